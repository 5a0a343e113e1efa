"""Where stored files live: the local folder by default, an S3-compatible object store when
configured; read as streams, with a store that does not answer said as such."""
