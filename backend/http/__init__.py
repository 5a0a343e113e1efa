"""The HTTP pieces the interfaces share: file downloads, the bounded upload handler and
the calendar feed. The domain apps below them answer no request of their own."""
