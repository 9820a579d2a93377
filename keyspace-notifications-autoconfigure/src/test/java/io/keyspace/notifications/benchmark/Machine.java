package io.keyspace.notifications.benchmark;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every benchmark prints first and last, so that a figure is never read without the
 * machine it was taken on (cores, load, JDK), and the one way they summarise rounds: the
 * median of same-round ratios, which a neighbour's burst of load disturbs far less than
 * a ratio of medians taken minutes apart.
 */
final class Machine {

	/**
	 * Rounds run first and left out of the summary ({@code -Dwarmup}, default 1): the first
	 * time a consumer's code runs, the JIT compiles it, which is not what it costs later.
	 */
	static final int WARMUP_ROUNDS = Integer.getInteger("warmup", 1);

	private Machine() {
	}

	/** Numbers rounds from {@code 1 - WARMUP_ROUNDS}; those below 1 are warm-up. */
	static String roundName(int round) {
		return (round < 1) ? "warm-up" : "round " + round;
	}

	/** For example {@code 2 cores, load average 1.21, JDK 17.0.13 (OpenJDK 64-Bit Server VM), Linux}. */
	static String describe() {
		return String.format(Locale.ROOT, "%d cores, load average %.2f, JDK %s (%s), %s",
				Runtime.getRuntime().availableProcessors(),
				ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"),
				System.getProperty("java.vm.name"), System.getProperty("os.name"));
	}

	/** Prints the machine line, e.g. at the start and the end of a run. */
	static void print() {
		System.out.println("machine: " + describe());
	}

	/** The median of {@code values[i] / baselines[i]}: each round compared with itself. */
	static double medianRatio(List<? extends Number> values, List<? extends Number> baselines) {
		double[] ratios = new double[values.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = values.get(i).doubleValue() / baselines.get(i).doubleValue();
		}
		return median(ratios);
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
