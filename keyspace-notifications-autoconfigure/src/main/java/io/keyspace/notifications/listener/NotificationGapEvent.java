package io.keyspace.notifications.listener;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationGap;

import org.springframework.context.ApplicationEvent;

/**
 * Published for every interruption of delivery, after delivery has resumed, so that
 * {@code @EventListener void resync(NotificationGapEvent e)} can reload what the handlers keep
 * up to date. The source is the {@link KeyspaceNotifications} that had the gap.
 */
public class NotificationGapEvent extends ApplicationEvent {

	private final NotificationGap gap;

	public NotificationGapEvent(KeyspaceNotifications source, NotificationGap gap) {
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
