package io.statetree.autoconfigure.tx;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.Subscription;
import io.statetree.spring.Derived;
import io.statetree.spring.OnStateChange;
import io.statetree.spring.PathVar;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.config.Customizer.withDefaults;

/**
 * A web application over real HTTP (DESIGN §14, README "Transactions"): a {@code @Transactional}
 * {@code @RestController} method inserts a row with {@link JdbcTemplate} and writes state through
 * {@code set}, {@code async().set}, {@code setAll}, {@code update} and {@code delete}, then returns or
 * throws. A rollback leaves neither the row nor the state nor any event (an {@code @OnStateChange}
 * bean, a programmatic listener, a {@code watch}); a commit leaves all, and each listener hears each
 * change once, after the row was committed; an {@code @OnStateChange} listener that writes during
 * that delivery commits its write. The actuator's write and delete (access unrestricted) commit at
 * once, on their own, whatever the application's transactions do on the same request thread (one
 * Tomcat thread serves every request here) or on another thread at the same time.
 */
@SpringBootTest(classes = StateTreeTransactionsHttpTest.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetree",
				"management.endpoint.statetree.access=unrestricted", "management.health.redis.enabled=false",
				"statetree.security.show-values=always", "server.tomcat.threads.max=1",
				"server.tomcat.threads.min-spare=1", "spring.jmx.enabled=false" })
class StateTreeTransactionsHttpTest {

	static final String PASSWORD = "pw";

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	StateController state;

	@Autowired
	Ears ears;

	@Autowired
	Rows rows;

	@Autowired
	PlatformTransactionManager transactions;

	private final List<StateEvent> heard = new CopyOnWriteArrayList<>();

	private final Collector watch = new Collector();

	private @Nullable Subscription listener;

	@BeforeEach
	void listen() {
		this.ears.heard.clear();
		this.listener = this.state.subscribe("/**", this.heard::add);
		this.state.watch("/**").subscribe(this.watch);
	}

	@AfterEach
	void stopListening() {
		if (this.listener != null) {
			this.listener.close();
		}
		this.watch.cancel();
	}

	@Test
	void aCommittedRequestLeavesTheRowTheStateAndEachChangeHeardOnceAfterTheRowCommitted() {
		this.state.set("/carts/o-1", Map.of("items", 2));
		Object before = this.state.get("/stats/count");
		int count = (before instanceof Integer n) ? n + 1 : 1;
		Object ordered = this.state.get("/stats/orders");
		long base = this.state.revision();
		this.heard.clear();
		Response response = post("/orders/o-1", "app", "");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).as("reads inside the transaction saw its writes")
			.contains("\"status\":\"placed\"")
			.contains("\"count\":" + count)
			.as("a derived value read inside agrees with the transaction's writes")
			.contains("\"orders\":\"" + ((Integer) ordered + 1) + "\"");
		assertThat(this.rows.committedCount("o-1")).isEqualTo(1);
		assertThat(this.state.get("/orders/o-1")).isEqualTo(Map.of("status", "placed", "async", true, "lines", 2));
		assertThat(this.state.get("/stats/last")).isEqualTo("o-1");
		assertThat(this.state.get("/stats/count")).isEqualTo(count);
		assertThat(this.state.exists("/carts/o-1")).isFalse();
		assertThat(this.state.get("/audit/o-1")).as("the listener's write during delivery committed")
			.isEqualTo("placed");
		long transaction = base + 1;
		assertThat(this.state.revision()).as("one commit for the transaction, one for the listener's write")
			.isEqualTo(base + 2);
		assertThat(describe(this.heard)).containsExactlyInAnyOrder(
				"/orders/o-1/status@" + transaction, "/orders/o-1/async@" + transaction,
				"/orders/o-1/lines@" + transaction, "/stats/last@" + transaction, "/stats/count@" + transaction,
				"/carts/o-1@" + transaction, "/carts/o-1/items@" + transaction, "/stats/orders@" + transaction,
				"/audit/o-1@" + (base + 2));
		assertThat(this.ears.heard).as("the @OnStateChange beans, each change once, the row committed by then")
			.containsExactlyInAnyOrder("/orders/o-1/status rows=1", "/orders/o-1/async rows=1",
					"/orders/o-1/lines rows=1", "/audit/o-1 rows=1");
		List<String> expected = describe(this.heard);
		this.state.set("/marker", "o-1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.watch.reached("/marker"));
		assertThat(describe(this.watch.after(base, "/marker"))).as("the watch heard the same")
			.containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void aRolledBackRequestLeavesNoRowNoStateAndNoEvent() {
		this.state.set("/carts/o-2", Map.of("items", 2));
		Object count = this.state.get("/stats/count");
		Object ordered = this.state.get("/stats/orders");
		long base = this.state.revision();
		this.heard.clear();
		Response response = post("/orders/o-2?fail=true", "app", "");
		assertThat(response.status()).as(response.body()).isEqualTo(409);
		assertThat(this.rows.committedCount("o-2")).isZero();
		assertThat(this.state.get("/orders/o-2")).isNull();
		assertThat(this.state.get("/stats/count")).isEqualTo(count);
		assertThat(this.state.get("/stats/orders")).isEqualTo(ordered);
		assertThat(this.state.get("/carts/o-2")).isEqualTo(Map.of("items", 2));
		assertThat(this.state.get("/audit/o-2")).isNull();
		assertThat(this.state.revision()).isEqualTo(base);
		assertThat(this.heard).isEmpty();
		assertThat(this.ears.heard).isEmpty();
		this.state.set("/marker", "o-2");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.watch.reached("/marker"));
		assertThat(this.watch.after(base, "/marker")).as("the watch heard nothing of the rollback").isEmpty();
	}

	@Test
	void theActuatorsWriteCommitsAtOnceOnTheRequestThreadTheApplicationsTransactionsRanOn() {
		assertThat(post("/orders/o-3?fail=true", "app", "").status()).isEqualTo(409);
		assertThat(post("/orders/o-4", "app", "").status()).isEqualTo(200);
		long base = this.state.revision();
		this.heard.clear();
		Response write = post("/actuator/statetree/config/mode", "operator", "{\"value\": \"\\\"maintenance\\\"\"}");
		assertThat(write.status()).as(write.body()).isEqualTo(200);
		assertThat(write.body()).contains("\"changed\":true").contains("\"revision\":" + (base + 1));
		assertThat(this.state.revision()).isEqualTo(base + 1);
		assertThat(elsewhere(() -> this.state.get("/config/mode"))).isEqualTo("maintenance");
		assertThat(describe(this.heard)).containsExactly("/config/mode@" + (base + 1));
		// a later rollback on the same thread does not take it back
		assertThat(post("/orders/o-5?fail=true", "app", "").status()).isEqualTo(409);
		assertThat(this.state.get("/config/mode")).isEqualTo("maintenance");
		Response delete = send("DELETE", "/actuator/statetree/config/mode", "operator", null);
		assertThat(delete.status()).as(delete.body()).isEqualTo(200);
		assertThat(delete.body()).contains("\"changed\":true").contains("\"revision\":" + (base + 2));
		assertThat(elsewhere(() -> this.state.get("/config/mode"))).isNull();
		assertThat(describe(this.heard)).containsExactly("/config/mode@" + (base + 1), "/config/mode@" + (base + 2));
	}

	@Test
	void anApplicationTransactionOpenMeanwhileNeitherHoldsBackNorTakesBackTheActuatorsWrite() throws Exception {
		CountDownLatch wrote = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> seenInside = CompletableFuture.supplyAsync(() -> {
			TransactionTemplate template = new TransactionTemplate(this.transactions);
			return template.execute((status) -> {
				this.state.set("/config/app", "pending");
				wrote.countDown();
				awaitRelease(release);
				Object seen = this.state.get("/config/ops");
				status.setRollbackOnly();
				return (seen != null) ? seen : "nothing";
			});
		});
		assertThat(wrote.await(HANG_SECONDS, TimeUnit.SECONDS)).isTrue();
		Response write = post("/actuator/statetree/config/ops", "operator", "{\"value\": \"\\\"drain\\\"\"}");
		assertThat(write.status()).as(write.body()).isEqualTo(200);
		assertThat(this.state.get("/config/ops")).as("committed while the transaction is open").isEqualTo("drain");
		assertThat(describe(this.heard)).contains("/config/ops@" + this.state.revision());
		assertThat(this.state.get("/config/app")).as("the transaction's write is not out").isNull();
		release.countDown();
		seenInside.get(HANG_SECONDS, TimeUnit.SECONDS);
		assertThat(this.state.get("/config/ops")).as("the rollback did not take it back").isEqualTo("drain");
		assertThat(this.state.get("/config/app")).isNull();
		assertThat(describe(this.heard)).noneMatch((event) -> event.startsWith("/config/app"));
	}

	@Test
	void aRequestWrappedInATransactionThatRollsBackKeepsTheActuatorsWrite() {
		long base = this.state.revision();
		this.heard.clear();
		Response write = send("POST", "/actuator/statetree/config/wrapped", "operator", "{\"value\": \"1\"}",
				"rollback");
		assertThat(write.status()).as(write.body()).isEqualTo(200);
		assertThat(write.body()).contains("\"revision\":" + (base + 1));
		assertThat(this.state.get("/config/wrapped")).isEqualTo(1);
		assertThat(describe(this.heard)).containsExactly("/config/wrapped@" + (base + 1));
		Response delete = send("DELETE", "/actuator/statetree/config/wrapped", "operator", null, "rollback");
		assertThat(delete.status()).as(delete.body()).isEqualTo(200);
		assertThat(this.state.get("/config/wrapped")).isNull();
		assertThat(describe(this.heard)).containsExactly("/config/wrapped@" + (base + 1),
				"/config/wrapped@" + (base + 2));
	}

	/**
	 * How long a thread waits for another before the test calls it hung. Not a timing the test
	 * checks: the first request after start-up took over 10 s at load average 27.
	 */
	private static final long HANG_SECONDS = 60;

	private static void awaitRelease(CountDownLatch latch) {
		try {
			if (!latch.await(HANG_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("not released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static <T> T elsewhere(java.util.function.Supplier<T> call) {
		return CompletableFuture.supplyAsync(call).join();
	}

	/** Events as "path@revision", in the order heard. */
	private static List<String> describe(List<StateEvent> events) {
		List<String> described = new ArrayList<>();
		for (StateEvent event : events) {
			described.add(event.path() + "@" + event.revision());
		}
		return described;
	}

	private Response post(String path, String user, String json) {
		return send("POST", path, user, json);
	}

	private Response send(String method, String path, String user, @Nullable String json) {
		return send(method, path, user, json, null);
	}

	private Response send(String method, String path, String user, @Nullable String json,
			@Nullable String transaction) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Accept", "application/json")
			.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		if (transaction != null) {
			request.header(TransactionPerRequest.HEADER, transaction);
		}
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(method + " " + path + " interrupted", ex);
		}
	}

	record Response(int status, String body) {
	}

	/** A subscriber that asks for everything and keeps it. */
	static final class Collector implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		private volatile Flow.@Nullable Subscription subscription;

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable throwable) {
		}

		@Override
		public void onComplete() {
		}

		boolean reached(String path) {
			return this.events.stream().anyMatch((e) -> e.path().toString().equals(path));
		}

		/** The events after a revision, up to the first at a path. */
		List<StateEvent> after(long revision, String path) {
			List<StateEvent> after = new ArrayList<>();
			for (StateEvent event : this.events) {
				if (event.path().toString().equals(path)) {
					break;
				}
				if (event.revision() > revision) {
					after.add(event);
				}
			}
			return after;
		}

		void cancel() {
			Flow.Subscription subscription = this.subscription;
			if (subscription != null) {
				subscription.cancel();
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableTransactionManagement
	@Import(H2OrdersDatabase.class)
	static class App {

		@Bean
		Rows rows(DataSource dataSource) {
			return new Rows(dataSource);
		}

		@Bean
		Orders orders(DataSource dataSource, StateController state) {
			return new Orders(new JdbcTemplate(dataSource), state);
		}

		@Bean
		Ears ears(Rows rows) {
			return new Ears(rows);
		}

		@Bean
		TransactionPerRequest transactionPerRequest(PlatformTransactionManager transactions) {
			return new TransactionPerRequest(transactions);
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("app").password("{noop}" + PASSWORD).roles("USER").build(),
					User.withUsername("operator")
						.password("{noop}" + PASSWORD)
						.roles("STATETREE_READ", "STATETREE_WRITE")
						.build());
		}

		/** HTTP Basic for every request, no session, no CSRF token (the clients here are not browsers). */
		@Bean
		SecurityFilterChain chain(HttpSecurity http) throws Exception {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
			http.httpBasic(withDefaults());
			http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
			http.csrf((csrf) -> csrf.disable());
			return http.build();
		}

	}

	/**
	 * What some applications do: a filter wrapping the whole request in a transaction, here one that
	 * rolls back when the request asks for it ({@value #HEADER}: {@code rollback}).
	 */
	static class TransactionPerRequest extends OncePerRequestFilter {

		static final String HEADER = "X-Test-Transaction";

		private final TransactionTemplate template;

		TransactionPerRequest(PlatformTransactionManager transactions) {
			this.template = new TransactionTemplate(transactions);
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			if (!"rollback".equals(request.getHeader(HEADER))) {
				chain.doFilter(request, response);
				return;
			}
			this.template.executeWithoutResult((status) -> {
				try {
					chain.doFilter(request, response);
				}
				catch (IOException | ServletException ex) {
					throw new IllegalStateException(ex);
				}
				status.setRollbackOnly();
			});
		}

	}

	/** Counts committed rows on a connection of its own, outside any transaction. */
	static class Rows {

		private final DataSource dataSource;

		Rows(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		int committedCount(String id) {
			try (Connection connection = this.dataSource.getConnection();
					PreparedStatement statement = connection.prepareStatement("select count(*) from orders where id = ?")) {
				statement.setString(1, id);
				try (ResultSet result = statement.executeQuery()) {
					result.next();
					return result.getInt(1);
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/** The application's controller: one transaction per request. */
	@RestController
	static class Orders {

		private final JdbcTemplate jdbc;

		private final StateController state;

		Orders(JdbcTemplate jdbc, StateController state) {
			this.jdbc = jdbc;
			this.state = state;
		}

		@PostMapping("/orders/{id}")
		@Transactional
		public Map<String, Object> place(@PathVariable String id, @RequestParam(defaultValue = "false") boolean fail) {
			this.jdbc.update("insert into orders (id) values (?)", id);
			this.state.set("/orders/" + id + "/status", "placed");
			this.state.async().set("/orders/" + id + "/async", true).join();
			this.state.setAll(Map.of("/orders/" + id + "/lines", 2, "/stats/last", id));
			Integer count = this.state.update("/stats/count", Integer.class, (n) -> (n != null) ? n + 1 : 1);
			this.state.delete("/carts/" + id);
			if (fail) {
				throw new IllegalStateException("payment declined");
			}
			Object status = this.state.get("/orders/" + id + "/status");
			Object orders = this.state.get("/stats/orders");
			return Map.of("status", String.valueOf(status), "count", count, "orders", String.valueOf(orders));
		}

		@ExceptionHandler(IllegalStateException.class)
		ResponseEntity<String> declined(IllegalStateException ex) {
			return ResponseEntity.status(HttpStatus.CONFLICT).body("declined");
		}

	}

	/** {@code @OnStateChange} listeners: what they hear, with the committed rows then; one writes. */
	static class Ears {

		final List<String> heard = new CopyOnWriteArrayList<>();

		private final Rows rows;

		Ears(Rows rows) {
			this.rows = rows;
		}

		@OnStateChange("/orders/{id}/*")
		void order(StateEvent event, @PathVar("id") String id) {
			this.heard.add(event.path() + " rows=" + this.rows.committedCount(id));
		}

		@OnStateChange(value = "/orders/{id}/status", id = "auditor")
		void audit(StateEvent event, @PathVar("id") String id) {
			// writes during the delivery of the transaction's commit
			event.set("/audit/" + id, event.newValue());
		}

		@Derived(path = "/stats/orders", sources = "/orders")
		int orders(@Nullable Map<String, Object> orders) {
			return (orders != null) ? orders.size() : 0;
		}

		@OnStateChange("/audit/{id}")
		void audited(StateEvent event, @PathVar("id") String id) {
			this.heard.add(event.path() + " rows=" + this.rows.committedCount(id));
		}

	}

}
