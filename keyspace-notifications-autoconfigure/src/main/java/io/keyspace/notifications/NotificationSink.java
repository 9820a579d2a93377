package io.keyspace.notifications;

/**
 * A bounded buffer that takes notifications on the connection's reader thread, without
 * waiting: how a consumer with demand of its own, such as a reactive subscriber, is fed with
 * exact accounting. A notification it takes counts as delivered; one it refuses counts as
 * dropped ({@link DropReason#SUBSCRIBER_OVERFLOW}) and is logged (throttled). Reporting that
 * as a gap is the sink's own business: only its consumer missed anything, so it is not a gap
 * of the notifications object's listeners ({@code ReactiveKeyspaceNotifications} reports it on
 * its {@code gaps()} as an {@link GapCause#OVERFLOW} gap).
 * <p>
 * Both methods run on a reader thread: they must return at once, never block and never run
 * application code. A sink subscribed to several nodes (a cluster) is called by several
 * reader threads at the same time.
 *
 * @see KeyspaceNotifications#subscribeSink(NotificationSink, io.keyspace.notifications.channel.NotificationChannel...)
 */
public interface NotificationSink {

	/**
	 * Takes a notification if there is room.
	 * @param notification the notification, never null
	 * @return {@code false} if the buffer is full: the notification is dropped
	 */
	boolean offer(KeyNotification notification);

	/**
	 * The reader has read everything its connection had for now, and this sink took
	 * something in that burst: the moment to wake the consumer, once per burst instead of
	 * once per notification.
	 */
	default void endOfBurst() {
	}

}
