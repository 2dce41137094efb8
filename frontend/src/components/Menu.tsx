import * as DropdownMenu from "@radix-ui/react-dropdown-menu";

export type MenuItem = { label: string; onSelect: () => void; danger?: boolean };

/**
 * The ⋮ menu (Radix DropdownMenu): rendered in a portal above the page, so a table's scrolling
 * box never clips it; it flips and shifts to stay on screen. Arrow keys wrap, Escape closes,
 * and focus returns to the button.
 */
export function Menu({ label, items }: { label: string; items: MenuItem[] }) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <button type="button" className="icon-button" aria-label={label}>
          <span aria-hidden="true">⋮</span>
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu-content" aria-label={label} align="end" sideOffset={4} collisionPadding={8} loop>
          {items.map((item) => (
            <DropdownMenu.Item
              key={item.label}
              className={item.danger ? "menu-item danger-text" : "menu-item"}
              onSelect={item.onSelect}
            >
              {item.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
