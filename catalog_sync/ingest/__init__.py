"""Running DataHub-format recipes: load, validate, default the sink, run, report."""
