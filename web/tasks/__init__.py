"""A task page: the case context and the generated form."""
