package io.statetree.benchmarks.startup;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Starts {@link MinimalApplication} as {@code startup.sh} does and attributes the main thread's
 * work to Spring's start-up steps: for every step (such as {@code spring.beans.instantiate} with
 * its bean name, or {@code spring.context.config-classes.parse}) the main thread's CPU time and
 * allocated bytes, in all and without its child steps. Allocated bytes are nearly independent of
 * the machine's load; CPU time of one thread much less so than wall time. Run it with and without
 * the starter on the class path (the class paths {@code startup.sh} builds) and compare:
 * <p>
 * {@code java -cp <class path> io.statetree.benchmarks.startup.StartupSteps <steps file>
 * --spring.main.banner-mode=off --logging.level.root=warn}
 * <p>
 * The steps file gets one line per step: {@code <cpu ms> <self cpu ms> <bytes> <self bytes> <classes>
 * <self classes> <step> <tags>}, where classes are the classes the JVM loaded while the step ran (on
 * any thread, in practice the main thread's; deterministic for a class path); standard output gets
 * the main thread's CPU time and allocated bytes and the classes loaded up to the end of
 * {@code SpringApplication.run}. Steps are assumed to nest on the main thread, as Spring's do.
 */
public final class StartupSteps {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

	private StartupSteps() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			throw new IllegalArgumentException("usage: StartupSteps <steps file> [application arguments]");
		}
		Path out = Path.of(args[0]);
		String[] applicationArgs = List.of(args).subList(1, args.length).toArray(new String[0]);
		Recorder recorder = new Recorder();
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		application.setApplicationStartup(recorder);
		long cpu;
		long bytes;
		long classes;
		try (ConfigurableApplicationContext context = application.run(applicationArgs)) {
			cpu = THREADS.getCurrentThreadCpuTime();
			bytes = THREADS.getCurrentThreadAllocatedBytes();
			classes = CLASSES.getTotalLoadedClassCount();
			System.out.println("beans=" + context.getBeanDefinitionCount() + " stateController="
					+ context.containsBean("stateController"));
		}
		System.out.printf("main thread: cpu %.1f ms, allocated %d bytes; classes loaded %d%n", cpu / 1e6, bytes, classes);
		Files.write(out, recorder.lines());
	}

	/** Records the steps of the thread that starts them (the main thread). Not thread-safe. */
	private static final class Recorder implements ApplicationStartup {

		private final List<String> lines = new ArrayList<>();

		private Step current;

		private long ids;

		@Override
		public StartupStep start(String name) {
			this.current = new Step(this, name, this.current, ++this.ids);
			return this.current;
		}

		List<String> lines() {
			return this.lines;
		}

	}

	private static final class Step implements StartupStep {

		private final Recorder recorder;

		private final String name;

		private final Step parent;

		private final long id;

		private final long cpu = THREADS.getCurrentThreadCpuTime();

		private final long bytes = THREADS.getCurrentThreadAllocatedBytes();

		private final long classes = CLASSES.getTotalLoadedClassCount();

		private final StringBuilder tags = new StringBuilder();

		private long childCpu;

		private long childBytes;

		private long childClasses;

		Step(Recorder recorder, String name, Step parent, long id) {
			this.recorder = recorder;
			this.name = name;
			this.parent = parent;
			this.id = id;
		}

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public long getId() {
			return this.id;
		}

		@Override
		public Long getParentId() {
			return (this.parent != null) ? this.parent.id : null;
		}

		@Override
		public StartupStep tag(String key, String value) {
			this.tags.append(' ').append(key).append('=').append(value);
			return this;
		}

		@Override
		public StartupStep tag(String key, Supplier<String> value) {
			return tag(key, value.get());
		}

		@Override
		public Tags getTags() {
			return Collections::emptyIterator;
		}

		@Override
		public void end() {
			long cpuUsed = THREADS.getCurrentThreadCpuTime() - this.cpu;
			long bytesUsed = THREADS.getCurrentThreadAllocatedBytes() - this.bytes;
			long classesLoaded = CLASSES.getTotalLoadedClassCount() - this.classes;
			if (this.parent != null) {
				this.parent.childCpu += cpuUsed;
				this.parent.childBytes += bytesUsed;
				this.parent.childClasses += classesLoaded;
			}
			this.recorder.lines.add(String.format("%.2f %.2f %d %d %d %d %s%s", cpuUsed / 1e6,
					(cpuUsed - this.childCpu) / 1e6, bytesUsed, bytesUsed - this.childBytes, classesLoaded,
					classesLoaded - this.childClasses, this.name, this.tags));
			this.recorder.current = this.parent;
		}

	}

}
