import CGRPC
public enum TransportPlaceholder {}
