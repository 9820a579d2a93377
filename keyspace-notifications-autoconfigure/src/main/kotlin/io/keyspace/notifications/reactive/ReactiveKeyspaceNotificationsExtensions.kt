package io.keyspace.notifications.reactive

import io.keyspace.notifications.KeyNotification
import io.keyspace.notifications.NotificationGap
import io.keyspace.notifications.channel.NotificationChannel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.reactive.asFlow

/**
 * [ReactiveKeyspaceNotifications.receive] as a [Flow]: collecting subscribes on the server,
 * the collector's pace is the demand (the per-subscriber buffer and its overflow accounting
 * apply as for the `Flux`), and cancelling the collecting coroutine unsubscribes.
 * Needs `kotlinx-coroutines-reactive` (or `-reactor`).
 */
fun ReactiveKeyspaceNotifications.receiveAsFlow(vararg channels: NotificationChannel): Flow<KeyNotification> =
	receive(*channels).asFlow()

/** [ReactiveKeyspaceNotifications.gaps] as a [Flow]. */
fun ReactiveKeyspaceNotifications.gapsAsFlow(): Flow<NotificationGap> = gaps().asFlow()
