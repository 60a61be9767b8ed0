import PortcullisModel
public enum OpsPlaceholder {}
