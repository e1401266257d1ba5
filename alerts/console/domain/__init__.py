"""Pure rules of the JOC console: who may do what, who sees what, what stands out."""
