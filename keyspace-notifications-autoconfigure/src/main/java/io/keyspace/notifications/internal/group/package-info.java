/**
 * Handling each notification once across application instances, with Redis Streams and
 * consumer groups. Per group and source node, the instance holding a lease
 * ({@code ForwardLease}) copies the node's notifications into the group's stream
 * ({@code Forwarder}); every instance reads the group's streams as a member of the group
 * ({@code GroupConsumer}), acknowledges after the handler returns, reclaims entries another
 * consumer left pending and moves entries that keep failing to a dead-letter stream. Key
 * names: {@code GroupKeys}; what a stream entry holds: {@code StreamEntries}.
 */
package io.keyspace.notifications.internal.group;
