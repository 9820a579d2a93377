package io.keyspace.notifications.listener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.channel.KeyspaceChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The handler decorator: applied once per handler as it is registered, inside its filter,
 * keeping its name, and the same decorated handler unsubscribed as was subscribed.
 */
class KeyspaceNotificationListenerContainerDecoratorTest {

	private final KeyspaceNotifications notifications = mock(KeyspaceNotifications.class);

	private final KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(
			this.notifications);

	private final KeyspaceChannel channel = new KeyspaceChannel("k:*");

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final KeyNotificationHandler handler = new NamedHandler("Bean#method", (n) -> this.calls.add("handler"));

	private final AtomicInteger decorations = new AtomicInteger();

	private final HandlerDecorator decorator = (handler, name) -> {
		this.decorations.incrementAndGet();
		return (n) -> {
			this.calls.add("before " + name);
			handler.onNotification(n);
		};
	};

	KeyspaceNotificationListenerContainerDecoratorTest() {
		this.container.setApplicationContext(new GenericApplicationContext());
	}

	@AfterEach
	void stopContainer() {
		this.container.stop();
	}

	@Test
	void eachHandlerIsDecoratedOnceWhenRegisteredAndKeepsItsName() {
		KeyNotificationHandler subscribed = startedWith(this.decorator, this.handler);

		subscribed.onNotification(mock(KeyNotification.class));
		subscribed.onNotification(mock(KeyNotification.class));

		assertThat(subscribed).hasToString("Bean#method");
		assertThat(this.calls).containsExactly("before Bean#method", "handler", "before Bean#method", "handler");
		assertThat(this.decorations).hasValue(1);
	}

	@Test
	void theDecoratedHandlerIsTheOneUnsubscribed() {
		KeyNotificationHandler subscribed = startedWith(this.decorator, this.handler);

		this.container.stop("Bean#method");

		verify(this.notifications).unsubscribe(subscribed, this.channel);
	}

	@Test
	void theFilterStaysOutermostSoThatItStillRunsBeforeQueueing() {
		KeyNotificationFilter setOnly = KeyNotificationFilter.events("set");
		KeyNotificationHandler subscribed = startedWith(this.decorator, new FilteredHandler(setOnly, this.handler));

		assertThat(subscribed).isInstanceOfSatisfying(FilteredHandler.class, (filtered) -> {
			assertThat(filtered.filter()).isSameAs(setOnly);
			assertThat(filtered.handler()).hasToString("Bean#method").isNotSameAs(this.handler);
		});
	}

	@Test
	void aDecoratorThatReturnsTheHandlerLeavesItAsRegistered() {
		KeyEventEndpoint endpoint = new KeyEventEndpoint("Bean#method", List.of(this.channel), this.handler);
		assertThat(endpoint.decoratedBy((handler, name) -> handler)).isSameAs(endpoint);
	}

	@Test
	void aDecoratorSetAfterHandlersWereRegisteredIsRefused() {
		this.container.register(new KeyEventEndpoint("Bean#method", List.of(this.channel), this.handler));

		assertThatIllegalStateException().isThrownBy(() -> this.container.setHandlerDecorator(this.decorator))
			.withMessageContaining("Bean#method");
	}

	/** Registers the handler as {@code Bean#method} with this decorator, starts, and returns what was subscribed. */
	private KeyNotificationHandler startedWith(HandlerDecorator decorator, KeyNotificationHandler handler) {
		this.container.setHandlerDecorator(decorator);
		this.container.register(new KeyEventEndpoint("Bean#method", List.of(this.channel), handler));
		this.container.start();
		ArgumentCaptor<KeyNotificationHandler> subscribed = ArgumentCaptor.forClass(KeyNotificationHandler.class);
		verify(this.notifications).subscribe(subscribed.capture(), eq(this.channel));
		return subscribed.getValue();
	}

}
