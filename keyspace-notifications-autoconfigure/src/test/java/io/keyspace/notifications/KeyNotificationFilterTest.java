package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KeyNotificationFilterTest {

	@Test
	void eventsMatchLiterallyOrAsGlobs() {
		KeyNotificationFilter filter = KeyNotificationFilter.events("expired", "h*");
		assertThat(filter.test(keyspace("k", "expired"))).isTrue();
		assertThat(filter.test(keyspace("k", "hset"))).isTrue();
		assertThat(filter.test(keyspace("k", "set"))).isFalse();
		assertThat(filter.test(keyspace("k", "brand-new-event"))).isFalse();
	}

	@Test
	void keysMatchTheirBytesWithoutThePrefix() {
		KeyNotificationFilter filter = KeyNotificationFilter.keys("session:*", "cart:1", "a\\*b");
		assertThat(filter.test(keyevent("expired", "session:42", null))).isTrue();
		assertThat(filter.test(keyevent("expired", "cart:1", null))).isTrue();
		assertThat(filter.test(keyevent("expired", "cart:2", null))).isFalse();
		assertThat(filter.test(keyevent("expired", "a*b", null))).isTrue(); // escaped: the literal key a*b
		assertThat(filter.test(keyevent("expired", "axb", null))).isFalse();
		assertThat(filter.test(keyevent("expired", "shop1:session:42", "shop1:"))).isTrue();
		assertThat(filter.test(keyevent("expired", "shop1:cart:1", "shop1:"))).isTrue();
	}

	@Test
	void keysAndEventsMustBothMatch() {
		KeyNotificationFilter filter = KeyNotificationFilter.of(List.of("k:*"), List.of("set"));
		assertThat(filter.test(keyspace("k:1", "set"))).isTrue();
		assertThat(filter.test(keyspace("k:1", "del"))).isFalse();
		assertThat(filter.test(keyspace("x:1", "set"))).isFalse();
		assertThat(filter.keyGlobs()).containsExactly("k:*");
		assertThat(filter.eventGlobs()).containsExactly("set");
		assertThat(filter).isEqualTo(KeyNotificationFilter.of(List.of("k:*"), List.of("set")))
			.isNotEqualTo(KeyNotificationFilter.events("set"));
	}

	@Test
	void aFilterMustNameSomething() {
		assertThatIllegalArgumentException().isThrownBy(() -> KeyNotificationFilter.of(List.of(), List.of()))
			.withMessage("A filter needs at least one key or event glob");
		assertThatIllegalArgumentException().isThrownBy(() -> KeyNotificationFilter.events(""))
			.withMessage("An empty event glob matches nothing");
	}

	@Test
	void aFilteredHandlerCalledDirectlyFiltersTooAndIsNamedAfterItsHandler() {
		List<String> seen = new CopyOnWriteArrayList<>();
		KeyNotificationHandler handler = new KeyNotificationHandler() {

			@Override
			public void onNotification(KeyNotification notification) {
				seen.add(notification.event());
			}

			@Override
			public String toString() {
				return "Bean#method";
			}

		};
		FilteredHandler filtered = new FilteredHandler(KeyNotificationFilter.events("del"), handler);
		filtered.onNotification(keyspace("k", "set"));
		filtered.onNotification(keyspace("k", "del"));
		assertThat(seen).containsExactly("del");
		assertThat(filtered).hasToString("Bean#method");
	}

	private static KeyNotification keyspace(String key, String event) {
		return KeyNotification.parse(bytes("__keyspace@0__:" + key), bytes(event), null).orElseThrow();
	}

	private static KeyNotification keyevent(String event, String key, String prefix) {
		return KeyNotification.parse(bytes("__keyevent@0__:" + event), bytes(key), (prefix != null) ? bytes(prefix) : null)
			.orElseThrow();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
