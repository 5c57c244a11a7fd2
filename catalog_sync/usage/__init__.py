"""Who reads what: a pipeline that resolves or opens datasets, recorded in the catalog as a
DataHub dataJob whose `dataJobInputOutput` lists them (see `usage.aspects`)."""
