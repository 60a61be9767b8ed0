public enum CELPlaceholder {}
