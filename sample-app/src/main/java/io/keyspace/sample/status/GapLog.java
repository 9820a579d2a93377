package io.keyspace.sample.status;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.listener.NotificationGapEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The last interruptions of delivery the library reported, for the page. */
@Component
class GapLog {

	static final int CAPACITY = 20;

	private final Deque<NotificationGap> gaps = new ArrayDeque<>(CAPACITY);

	@EventListener
	synchronized void record(NotificationGapEvent event) {
		if (this.gaps.size() == CAPACITY) {
			this.gaps.removeLast();
		}
		this.gaps.addFirst(event.gap());
	}

	/** Newest first. */
	synchronized List<NotificationGap> recent() {
		return List.copyOf(this.gaps);
	}

}
