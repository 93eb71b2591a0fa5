"""Use cases shared by the window and the command line; each method is one
unit of work that commits or rolls back as a whole."""
