/** The floor: a JVM that starts, prints a line and exits, with the launcher's flags. */
public final class HelloWorld {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
