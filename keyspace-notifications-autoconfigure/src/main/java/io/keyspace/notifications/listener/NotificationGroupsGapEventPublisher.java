package io.keyspace.notifications.listener;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.keyspace.notifications.NotificationGroups;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

/**
 * Turns the gaps of every {@link NotificationGroups} bean (windows in which no instance
 * forwarded a node's notifications into a group) into {@link NotificationGapEvent}s.
 * <p>
 * A post-processor rather than a bean that needs the groups: the auto-configured
 * {@link NotificationGroups} is lazy, created with the first group handler, and this must
 * neither create it sooner nor miss it. The groups report a gap on their forwarding thread,
 * which also renews the forwarding lease, so the events are published on a thread of their
 * own: a slow {@code @EventListener} (a resync) delays only later gap events.
 */
public class NotificationGroupsGapEventPublisher
		implements BeanPostProcessor, ApplicationEventPublisherAware, DisposableBean {

	private final ExecutorService publishing = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "keyspace-group-gaps");
		thread.setDaemon(true);
		return thread;
	});

	private ApplicationEventPublisher publisher;

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof NotificationGroups groups) {
			groups.addGapListener((gap) -> this.publishing
				.execute(() -> this.publisher.publishEvent(new NotificationGapEvent(groups, gap))));
		}
		return bean;
	}

	@Override
	public void destroy() {
		this.publishing.shutdown();
	}

}
