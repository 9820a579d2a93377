/**
 * Handling each notification once across application instances, with Redis Streams and
 * consumer groups. Per group and source node, the instance holding a lease copies the node's
 * notifications into the group's stream ({@code Forwarder}: leases, fenced appends, takeover
 * replay); every instance reads the group's streams as a member of the group
 * ({@code GroupConsumer}), acknowledges after the handler returns, reclaims entries another
 * member left pending and moves entries that keep failing to a dead-letter stream. A stream's
 * trims and its loss are watched ({@code StreamWatch}); a stream or consumer group Redis lost
 * is recreated and its loss reported once ({@code StreamRecovery}). Everything asked of Redis
 * goes through {@code GroupRedis}, so the decisions are tested on fake time. Key names:
 * {@code GroupKeys}; what a stream entry holds: {@code StreamEntries}. Threads and locks:
 * docs/threading.md.
 */
package io.keyspace.notifications.internal.group;
