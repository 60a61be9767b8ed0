import CEnvoyProto
import PortcullisModel
public enum CodecPlaceholder {}
