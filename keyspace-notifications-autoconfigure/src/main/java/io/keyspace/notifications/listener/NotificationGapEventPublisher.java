package io.keyspace.notifications.listener;

import io.keyspace.notifications.KeyspaceNotifications;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns the gaps of a {@link KeyspaceNotifications} into {@link NotificationGapEvent}s. They
 * are published on the library's gap thread, so a slow {@code @EventListener} delays only
 * later gap reports, never notifications.
 */
public class NotificationGapEventPublisher implements InitializingBean {

	private final KeyspaceNotifications notifications;

	private final ApplicationEventPublisher publisher;

	public NotificationGapEventPublisher(KeyspaceNotifications notifications, ApplicationEventPublisher publisher) {
		this.notifications = notifications;
		this.publisher = publisher;
	}

	@Override
	public void afterPropertiesSet() {
		this.notifications
			.addGapListener((gap) -> this.publisher.publishEvent(new NotificationGapEvent(this.notifications, gap)));
	}

}
