/**
 * Keyspace notifications as Reactor streams with demand: {@link
 * io.keyspace.notifications.reactive.ReactiveKeyspaceNotifications}, built over any {@link
 * io.keyspace.notifications.KeyspaceNotifications}. Needs {@code reactor-core} on the class
 * path; Kotlin users get a {@code Flow} through {@code kotlinx-coroutines-reactive}.
 */
package io.keyspace.notifications.reactive;
