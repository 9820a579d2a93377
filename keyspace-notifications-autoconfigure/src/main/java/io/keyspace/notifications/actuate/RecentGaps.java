package io.keyspace.notifications.actuate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.listener.NotificationGapEvent;

import org.springframework.context.ApplicationListener;

/**
 * The last gaps of the application, its notifications' and its groups' alike (both are
 * published as {@link NotificationGapEvent}s), newest last, for the
 * {@code keyspacenotifications} endpoint. Thread-safe: events arrive on the gap threads.
 */
public class RecentGaps implements ApplicationListener<NotificationGapEvent> {

	/** How many gaps are kept. */
	public static final int CAPACITY = 20;

	private final Deque<NotificationGap> gaps = new ArrayDeque<>(CAPACITY);

	@Override
	public void onApplicationEvent(NotificationGapEvent event) {
		synchronized (this.gaps) {
			if (this.gaps.size() == CAPACITY) {
				this.gaps.removeFirst();
			}
			this.gaps.addLast(event.gap());
		}
	}

	/** The kept gaps, oldest first. */
	public List<NotificationGap> gaps() {
		synchronized (this.gaps) {
			return new ArrayList<>(this.gaps);
		}
	}

}
