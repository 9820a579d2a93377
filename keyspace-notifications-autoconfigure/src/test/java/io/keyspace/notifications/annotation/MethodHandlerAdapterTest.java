package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class MethodHandlerAdapterTest {

	private final Handlers bean = new Handlers();

	@Test
	void passesEverySupportedArgumentInAnyOrder() {
		adapter("all").onNotification(subkeyNotification());
		assertThat(this.bean.calls).singleElement().satisfies((args) -> {
			assertThat(args.get(0)).isEqualTo(List.of("f1", "f2"));
			assertThat(args.get(1)).isEqualTo("h:1");
			assertThat(args.get(2)).isEqualTo("h:1".getBytes(StandardCharsets.UTF_8));
			assertThat(args.get(3)).isInstanceOf(KeyNotification.class);
		});
	}

	@Test
	void aMethodWithoutParametersIsCalled() {
		adapter("none").onNotification(subkeyNotification());
		assertThat(this.bean.calls).singleElement().isEqualTo(List.of());
	}

	@Test
	void theHandlersExceptionPropagatesUnwrapped() {
		assertThatIllegalStateException().isThrownBy(() -> adapter("failing").onNotification(subkeyNotification()))
			.withMessage("boom");
	}

	@Test
	void unsupportedSignaturesNameTheMethodAndTheSupportedForms() {
		assertThatExceptionOfType(InvalidOnKeyEventException.class).isThrownBy(() -> adapter("wrongType"))
			.withMessageContaining("Handlers#wrongType")
			.withMessageContaining("parameter 2 has the unsupported type java.lang.Integer")
			.withMessageContaining("KeyNotification, String (the key), byte[] (the key bytes), List<String>");
		assertThatExceptionOfType(InvalidOnKeyEventException.class).isThrownBy(() -> adapter("twoStrings"))
			.withMessageContaining("more than one parameter of type String");
		assertThatExceptionOfType(InvalidOnKeyEventException.class).isThrownBy(() -> adapter("listOfIntegers"))
			.withMessageContaining("java.util.List<java.lang.Integer>");
	}

	@Test
	void describesItselfByTheGivenName() {
		assertThat(adapter("none")).hasToString("Handlers#none");
	}

	private MethodHandlerAdapter adapter(String name) {
		Method method = java.util.Arrays.stream(Handlers.class.getDeclaredMethods())
			.filter((m) -> m.getName().equals(name))
			.findFirst()
			.orElseThrow();
		return new MethodHandlerAdapter(this.bean, method, "Handlers#" + name);
	}

	private static KeyNotification subkeyNotification() {
		return KeyNotification.parse("__subkeyspace@0__:h:1".getBytes(StandardCharsets.UTF_8),
				"hset|2:f1,2:f2".getBytes(StandardCharsets.UTF_8), null).orElseThrow();
	}

	static class Handlers {

		final List<List<Object>> calls = new ArrayList<>();

		void all(List<String> subkeys, String key, byte[] keyBytes, KeyNotification notification) {
			this.calls.add(List.of(subkeys, key, keyBytes, notification));
		}

		void none() {
			this.calls.add(List.of());
		}

		void failing(String key) {
			throw new IllegalStateException("boom");
		}

		void wrongType(String key, Integer count) {
		}

		void twoStrings(String key, String other) {
		}

		void listOfIntegers(List<Integer> values) {
		}

	}

}
