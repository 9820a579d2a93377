/**
 * The channels a client subscribes to: one value type per channel kind, all behind the sealed
 * {@link io.keyspace.notifications.channel.NotificationChannel}, whose layout comes from
 * {@link io.keyspace.notifications.ChannelType} and whose {@code toString()} is the exact
 * channel name sent to Redis (escapes removed for {@code SUBSCRIBE}, kept for {@code PSUBSCRIBE}).
 * {@link io.keyspace.notifications.channel.RedisGlob} decides, with Redis's own glob rules,
 * whether a channel needs {@code PSUBSCRIBE} and whether a name matches a pattern.
 */
package io.keyspace.notifications.channel;
