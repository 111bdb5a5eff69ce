"""One module per rule family; `registry` lists them, `catalog` names them cheaply."""
