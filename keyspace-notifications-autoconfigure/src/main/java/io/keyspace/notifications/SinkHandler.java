package io.keyspace.notifications;

/**
 * A {@link NotificationSink} fed through a handler thread, for implementations of
 * {@link KeyspaceNotifications} that have no reader-thread sinks of their own. A refused
 * notification is not counted by such an implementation: the sink must report it itself.
 *
 * @param sink the sink; records compare by it, so an equal handler unsubscribes it
 */
record SinkHandler(NotificationSink sink) implements KeyNotificationHandler {

	@Override
	public void onNotification(KeyNotification notification) {
		if (this.sink.offer(notification)) {
			this.sink.endOfBurst();
		}
	}

}
