// A modal the bot asked for (interaction response type 9): its text inputs, submitted as MODAL_SUBMIT.
import { el } from "./render.js";

const $ = (id) => document.getElementById(id);

export function openModal(state, modal, key) {
  state.modal = { modal, key, channel: state.channel };
  $("modal-title").textContent = modal.title || "";
  const fields = $("modal-fields");
  fields.replaceChildren();
  for (const row of modal.components || []) {
    for (const input of row.components || []) {
      const label = el("label", "option");
      label.append(el("span", "option-name", (input.label || input.custom_id) + (input.required === false ? "" : " *")));
      const box = el(input.style === 2 ? "textarea" : "input");
      box.name = input.custom_id;
      box.value = input.value || "";
      if (input.placeholder) box.placeholder = input.placeholder;
      if (input.max_length) box.maxLength = input.max_length;
      box.required = input.required !== false;
      label.append(box);
      fields.append(label);
    }
  }
  $("modal").showModal();
}

export async function submitModal(event, state, api, answered, status) {
  event.preventDefault();
  const { modal, key, channel } = state.modal;
  const fields = {};
  for (const box of $("modal-fields").querySelectorAll("[name]")) fields[box.name] = box.value;
  $("modal").close();
  try {
    answered(await api("modals", { as: state.who, channel_id: channel, custom_id: modal.custom_id, fields, key }), key);
  } catch (error) { status(error.message, true); }
}
