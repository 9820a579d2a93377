/**
 * The servers' side of delivery: which {@code notify-keyspace-events} letters the subscribed
 * channels need ({@code NotificationFlags}, pure), and the per-node check that reports or adds
 * the missing ones on the scheduler thread ({@code ServerConfigCheck}) as
 * {@link io.keyspace.notifications.ServerConfigMode} says. Without those letters Redis
 * publishes nothing and a subscriber hears only silence, so this is where that silence gets a
 * log line.
 */
package io.keyspace.notifications.internal.config;
