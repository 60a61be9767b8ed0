import COpenSSL
public enum IdentityPlaceholder {}
