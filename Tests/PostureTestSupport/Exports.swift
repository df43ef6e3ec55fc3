// The recorded Graph service is a target of its own so the collection benchmark can use it in a
// release build; the tests reach it through this module as before.
@_exported import RecordedGraph
