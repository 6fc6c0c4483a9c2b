"""One cog per area; each turns Discord objects into plain values and service results into replies."""
