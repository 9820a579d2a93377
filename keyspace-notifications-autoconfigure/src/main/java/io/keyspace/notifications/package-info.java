/**
 * The public API and the core model, free of Spring: the six channel kinds
 * ({@link io.keyspace.notifications.ChannelType}), the well-known event names
 * ({@link io.keyspace.notifications.EventType}), the parsed notification
 * ({@link io.keyspace.notifications.KeyNotification}) with its binary-safe parser, the
 * client-side {@link io.keyspace.notifications.KeyNotificationFilter}, the read-only
 * {@link io.keyspace.notifications.NotificationMetrics}, and
 * {@link io.keyspace.notifications.KeyspaceNotifications} with its standalone and cluster
 * implementations. A message travels: node reader ({@code reader}) → parse (here) → match
 * ({@code match}) → dispatch ({@code dispatch}) → handler; the router in this package joins
 * the steps on each reader thread.
 */
package io.keyspace.notifications;
