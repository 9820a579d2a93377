package io.keyspace.notifications.annotation;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.core.ReactiveAdapter;
import org.springframework.util.ReflectionUtils;

/**
 * Subscribes to a {@link Publisher} (a {@code Mono}, {@code Flux}, Kotlin {@code Flow}, a
 * coroutine's result, anything Spring's {@code ReactiveAdapterRegistry} knows), requests every
 * element and waits for its end. A publisher that completes while it is subscribed, such as
 * {@code Mono.empty()}, costs no wait and no wake-up. Only loaded for such methods, so the
 * Reactive Streams API is needed only by applications that use it.
 */
final class PublisherCompletion implements Completion {

	static final PublisherCompletion FOR_PUBLISHER = new PublisherCompletion(null);

	private final ReactiveAdapter adapter;

	private PublisherCompletion(ReactiveAdapter adapter) {
		this.adapter = adapter;
	}

	static PublisherCompletion adapting(ReactiveAdapter adapter) {
		return new PublisherCompletion(adapter);
	}

	@Override
	public void await(Object result, Duration timeout, String handler) {
		if (result == null) {
			return;
		}
		Publisher<?> publisher = (this.adapter != null) ? this.adapter.toPublisher(result) : (Publisher<?>) result;
		Waiter waiter = new Waiter();
		publisher.subscribe(waiter);
		waiter.await(timeout, handler);
	}

	/** Requests everything, ignores the elements, and unparks the handler thread at the end. */
	private static final class Waiter implements Subscriber<Object> {

		private final Thread handlerThread = Thread.currentThread();

		private volatile Subscription subscription;

		private volatile boolean done;

		private Throwable error; // written before done

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Object element) {
		}

		@Override
		public void onError(Throwable error) {
			this.error = error;
			this.done = true;
			LockSupport.unpark(this.handlerThread);
		}

		@Override
		public void onComplete() {
			this.done = true;
			LockSupport.unpark(this.handlerThread);
		}

		void await(Duration timeout, String handler) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (!this.done) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					cancel();
					throw new HandlerTimeoutException(handler, timeout);
				}
				LockSupport.parkNanos(this, remaining);
				if (Thread.interrupted()) {
					cancel();
					Thread.currentThread().interrupt();
					throw new IllegalStateException(handler + " was interrupted while its publisher ran");
				}
			}
			if (this.error != null) {
				ReflectionUtils.rethrowRuntimeException(this.error);
			}
		}

		private void cancel() {
			Subscription current = this.subscription;
			if (current != null) {
				current.cancel();
			}
		}

	}

}
