/**
 * The channels a client subscribes to: one value type per channel kind, all behind the sealed
 * {@link io.keyspace.notifications.channel.NotificationChannel}, whose {@code toString()} is the
 * exact channel name sent to Redis. {@link io.keyspace.notifications.channel.RedisGlob} decides,
 * with Redis's own glob rules, whether a channel needs {@code PSUBSCRIBE} and whether a name
 * matches a pattern.
 */
package io.keyspace.notifications.channel;
