import SSPRSystem
public enum CorePlaceholder {}
