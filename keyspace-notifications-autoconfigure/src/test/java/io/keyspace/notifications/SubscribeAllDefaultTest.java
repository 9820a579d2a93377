package io.keyspace.notifications;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_DEFAULTS;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/** {@link KeyspaceNotifications#subscribeAll}'s default, for implementations of their own. */
class SubscribeAllDefaultTest {

	private final KeyspaceNotifications notifications = mock(KeyspaceNotifications.class,
			(invocation) -> invocation.getMethod().isDefault() ? invocation.callRealMethod()
					: RETURNS_DEFAULTS.answer(invocation));

	private final KeyNotificationHandler first = (n) -> {
	};

	private final KeyNotificationHandler second = (n) -> {
	};

	private final KeyNotificationHandler third = (n) -> {
	};

	private final KeyspaceChannel a = new KeyspaceChannel("a");

	private final KeyspaceChannel b = new KeyspaceChannel("b");

	@Test
	void subscribesEachHandlerInOrder() {
		this.notifications.subscribeAll(handlers());

		InOrder order = inOrder(this.notifications);
		order.verify(this.notifications).subscribe(this.first, this.a);
		order.verify(this.notifications).subscribe(this.second, this.a, this.b);
		order.verify(this.notifications).subscribe(this.third, this.b);
	}

	@Test
	void aRefusedChannelLeavesNothingSubscribed() {
		doThrow(new IllegalArgumentException("refused")).when(this.notifications).subscribe(this.second, this.a, this.b);

		assertThatIllegalArgumentException().isThrownBy(() -> this.notifications.subscribeAll(handlers()))
			.withMessage("refused");

		verify(this.notifications).unsubscribe(this.first, this.a);
		verify(this.notifications, never()).subscribe(this.third, this.b);
		verify(this.notifications, never()).unsubscribe(any(KeyNotificationHandler.class), any(), any());
	}

	private Map<KeyNotificationHandler, List<NotificationChannel>> handlers() {
		Map<KeyNotificationHandler, List<NotificationChannel>> handlers = new LinkedHashMap<>();
		handlers.put(this.first, List.of(this.a));
		handlers.put(this.second, List.of(this.a, this.b));
		handlers.put(this.third, List.of(this.b));
		return handlers;
	}

}
