import PortcullisModel
public enum PolicyPlaceholder {}
