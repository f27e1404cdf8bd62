public enum ProfilePlaceholder {}
