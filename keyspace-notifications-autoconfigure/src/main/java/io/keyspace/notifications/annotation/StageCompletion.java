package io.keyspace.notifications.annotation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.util.ReflectionUtils;

/** Waits for a {@link CompletionStage}; a {@code null} stage counts as completed. */
final class StageCompletion implements Completion {

	static final StageCompletion INSTANCE = new StageCompletion();

	private StageCompletion() {
	}

	@Override
	public void await(Object result, Duration timeout, String handler) {
		if (result == null) {
			return;
		}
		CompletableFuture<?> future = ((CompletionStage<?>) result).toCompletableFuture();
		try {
			future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			ReflectionUtils.rethrowRuntimeException(ex.getCause());
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new HandlerTimeoutException(handler, timeout);
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException(handler + " was interrupted while its CompletionStage ran", ex);
		}
	}

}
