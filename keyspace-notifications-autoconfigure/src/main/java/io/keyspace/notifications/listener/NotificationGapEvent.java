package io.keyspace.notifications.listener;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationGroups;

import org.springframework.context.ApplicationEvent;

/**
 * Published for every interruption of delivery, after delivery has resumed, so that
 * {@code @EventListener void resync(NotificationGapEvent e)} can reload what the handlers keep
 * up to date. The source is the {@link KeyspaceNotifications} that had the gap, or, for a gap
 * of a group ({@link io.keyspace.notifications.GapCause#NO_FORWARDER NO_FORWARDER},
 * {@link io.keyspace.notifications.GapCause#STREAM_LOST STREAM_LOST}, or an
 * {@link io.keyspace.notifications.GapCause#OVERFLOW OVERFLOW} of entries the stream's cap
 * trimmed unhandled), the {@link NotificationGroups} whose groups missed notifications.
 */
public class NotificationGapEvent extends ApplicationEvent {

	private final NotificationGap gap;

	public NotificationGapEvent(KeyspaceNotifications source, NotificationGap gap) {
		super(source);
		this.gap = gap;
	}

	/** A window of notifications a group missed. */
	public NotificationGapEvent(NotificationGroups source, NotificationGap gap) {
		super(source);
		this.gap = gap;
	}

	/** Which node, why, the time window, the channels and the known loss. */
	public NotificationGap gap() {
		return this.gap;
	}

	@Override
	public String toString() {
		return "NotificationGapEvent[" + this.gap + "]";
	}

}
