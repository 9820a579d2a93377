/**
 * What the page shows about the library and Redis, read from the library's public API
 * ({@code KeyspaceNotifications}: subscription state per node, the metrics view, gap and resync
 * events) and from Redis itself ({@code notify-keyspace-events}): {@code GET /api/status}.
 */
package io.keyspace.sample.status;
