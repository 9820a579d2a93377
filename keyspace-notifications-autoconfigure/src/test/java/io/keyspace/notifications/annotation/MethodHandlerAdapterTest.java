package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.KeyNotification;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
	void aFluxIsSubscribedAndTheCallLastsUntilItCompletes() {
		adapter("flux").onNotification(subkeyNotification());
		assertThat(this.bean.calls).containsExactly(List.of("flux completed after 3 elements"));
	}

	@Test
	void aCompletionStageIsWaitedForAndItsFailureRethrownUnwrapped() {
		adapter("stage").onNotification(subkeyNotification());
		assertThat(this.bean.calls).containsExactly(List.of("stage ran"));
		assertThatIllegalStateException().isThrownBy(() -> adapter("failedStage").onNotification(subkeyNotification()))
			.withMessage("stage boom");
	}

	@Test
	void anErrorSignalIsThrownAsItIs() {
		assertThatIllegalStateException().isThrownBy(() -> adapter("monoError").onNotification(subkeyNotification()))
			.withMessage("mono boom");
	}

	@Test
	void aPublisherThatDoesNotCompleteInTimeIsCancelledAndNamed() {
		MethodHandlerAdapter adapter = adapter("never").withTimeout(Duration.ofMillis(50));
		assertThatExceptionOfType(HandlerTimeoutException.class).isThrownBy(() -> adapter.onNotification(subkeyNotification()))
			.withMessageStartingWith("Handlers#never did not complete within PT0.05S and was cancelled");
		assertThat(this.bean.calls).containsExactly(List.of("never cancelled"));
	}

	@Test
	void aNullPublisherOrStageCountsAsCompleted() {
		adapter("nullMono").onNotification(subkeyNotification());
		adapter("nullStage").onNotification(subkeyNotification());
		assertThat(this.bean.calls).hasSize(2);
	}

	@Test
	void withTimeoutKeepsTheAdapterWhenTheTimeoutIsTheSame() {
		MethodHandlerAdapter adapter = adapter("none");
		assertThat(adapter.withTimeout(MethodHandlerAdapter.DEFAULT_TIMEOUT)).isSameAs(adapter);
		assertThat(adapter.withTimeout(Duration.ofSeconds(1))).isNotSameAs(adapter).hasToString("Handlers#none");
	}

	@Test
	void aMethodThatReturnsSomethingToWaitForMayBlockAPlainOneDoesNot() {
		assertThat(adapter("none").mayBlock()).isFalse();
		assertThat(adapter("monoError").mayBlock()).isTrue();
		assertThat(adapter("never").withTimeout(java.time.Duration.ofSeconds(1)).mayBlock()).isTrue();
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

		final List<List<Object>> calls = new CopyOnWriteArrayList<>();

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

		Flux<Integer> flux() {
			AtomicInteger seen = new AtomicInteger();
			return Flux.range(1, 3)
				.delayElements(Duration.ofMillis(5))
				.doOnNext((i) -> seen.incrementAndGet())
				.doOnComplete(() -> this.calls.add(List.of("flux completed after " + seen + " elements")));
		}

		CompletionStage<Void> stage() {
			return CompletableFuture.runAsync(() -> this.calls.add(List.of("stage ran")));
		}

		CompletableFuture<String> failedStage() {
			return CompletableFuture.supplyAsync(() -> {
				throw new IllegalStateException("stage boom");
			});
		}

		Mono<Void> monoError() {
			return Mono.error(new IllegalStateException("mono boom"));
		}

		Mono<Void> never() {
			return Mono.<Void>never().doOnCancel(() -> this.calls.add(List.of("never cancelled")));
		}

		Mono<Void> nullMono() {
			this.calls.add(List.of());
			return null;
		}

		CompletionStage<Void> nullStage() {
			this.calls.add(List.of());
			return null;
		}

	}

}
