package io.keyspace.notifications.listener;

import io.keyspace.notifications.NotificationGroups;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

/**
 * Turns the gaps of every {@link NotificationGroups} bean (windows in which no instance
 * forwarded a node's notifications into a group, entries the stream's cap trimmed before
 * they were handled) into {@link NotificationGapEvent}s. They are published on the groups'
 * gap thread, so a slow {@code @EventListener} (a resync) delays only later gap events.
 * <p>
 * A post-processor rather than a bean that needs the groups: the auto-configured
 * {@link NotificationGroups} is lazy, created with the first group handler, and this must
 * neither create it sooner nor miss it.
 */
public class NotificationGroupsGapEventPublisher implements BeanPostProcessor, ApplicationEventPublisherAware {

	private ApplicationEventPublisher publisher;

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof NotificationGroups groups) {
			groups.addGapListener((gap) -> this.publisher.publishEvent(new NotificationGapEvent(groups, gap)));
		}
		return bean;
	}

}
