/**
 * The public API, free of Spring: {@link io.keyspace.notifications.KeyspaceNotifications}
 * with its standalone, cluster, Sentinel and master/replica implementations (and
 * {@link io.keyspace.notifications.ReadFrom}), the parsed
 * {@link io.keyspace.notifications.KeyNotification} (with its binary-safe parser, kept
 * package-private beside it), the six channel kinds ({@link io.keyspace.notifications.ChannelType}),
 * the well-known event names ({@link io.keyspace.notifications.EventType}), handlers and the
 * client-side {@link io.keyspace.notifications.KeyNotificationFilter}, the settings
 * ({@link io.keyspace.notifications.ConnectionSettings},
 * {@link io.keyspace.notifications.NotificationOptions},
 * {@link io.keyspace.notifications.DispatchSettings}) and the read-only
 * {@link io.keyspace.notifications.NotificationMetrics}. The machinery lives in
 * {@code io.keyspace.notifications.internal}, which these docs do not promise; only the
 * implementations (and their package-private bases) and
 * {@link io.keyspace.notifications.NotificationGroups} reach into it, and the engine uses the
 * value types here, never those facades.
 */
package io.keyspace.notifications;
