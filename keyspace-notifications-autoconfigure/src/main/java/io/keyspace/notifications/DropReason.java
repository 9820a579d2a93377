package io.keyspace.notifications;

/**
 * Why a notification was dropped: the value of the {@code reason} tag of the
 * {@code keyspace.notifications.dropped} meter and the key of
 * {@link NotificationMetrics#dropped(DropReason)}.
 */
public enum DropReason {

	/** A handler lane's queue was full: handlers were slower than Redis (see the overflow policy). */
	OVERFLOW("overflow"),

	/** Not handled when the notifications object was closed: still queued, or not finished within the shutdown timeout. */
	SHUTDOWN("shutdown"),

	/** The pull-mode queue was full: nobody called {@code poll()} or {@code listen()} fast enough. */
	PULL_OVERFLOW("pull-overflow"),

	/**
	 * A {@link NotificationSink}'s buffer was full: a stream subscriber (a reactive
	 * {@code Flux} from {@code ReactiveKeyspaceNotifications.receive}) requested less than Redis sent.
	 */
	SUBSCRIBER_OVERFLOW("subscriber-overflow");

	private final String tag;

	DropReason(String tag) {
		this.tag = tag;
	}

	/**
	 * The meter tag value.
	 * @return for example {@code "pull-overflow"}
	 */
	public String tag() {
		return this.tag;
	}

}
