public enum AXReportsPlaceholder {}
