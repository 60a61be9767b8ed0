public enum JSONSchemaPlaceholder {}
