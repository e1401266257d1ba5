"""Past incidents from published reports, for evaluators to compare against."""
