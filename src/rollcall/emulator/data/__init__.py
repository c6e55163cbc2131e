"""The Data and Events API (moto's "backend" plus its responses): the state of every loaded district,
its read indexes, one wire renderer per version, the route table and paging, roster changes (checked in
full, then swapped in) and the events they become."""
