/**
 * The core model of Redis keyspace notifications, free of Spring and of any Redis client:
 * the six channel kinds ({@link io.keyspace.notifications.ChannelType}), the well-known event
 * names ({@link io.keyspace.notifications.EventType}), the parsed notification value
 * ({@link io.keyspace.notifications.KeyNotification}) with its binary-safe parser, and the
 * handler callback. Everything here works on the raw bytes a pub/sub connection delivers, so
 * keys that are not valid UTF-8 survive unchanged.
 */
package io.keyspace.notifications;
